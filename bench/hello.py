"""The load benchmark's ceiling: a one-line Flask app, served by the same gunicorn settings
as the brokerage, so the ratio to it shows what the brokerage itself costs."""

from flask import Flask

app = Flask(__name__)
app.add_url_rule("/", "hello", lambda: "Hello, world!")
