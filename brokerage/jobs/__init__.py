"""The only code that queues slow work: RQ on Redis when REDIS_URL is set, else in this process."""

from .queue import enqueue, enqueue_after_reading, failed_jobs, redis_connection, work

__all__ = ["enqueue", "enqueue_after_reading", "failed_jobs", "redis_connection", "work"]
