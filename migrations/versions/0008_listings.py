"""listings: organisation profiles (verified by staff), suppliers' social value offers,
buyers' procurement opportunities and beneficiaries' needs, each with its TOMs measures
(by code) and quantities

Revision ID: 0008_listings
Revises: 0007_charter
Create Date: 2026-11-25

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_listings"
down_revision = "0007_charter"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "needs",
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("quantity_wanted", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("quantity_unit", sa.String(length=60), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("easting", sa.Integer(), nullable=False),
        sa.Column("northing", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("priority_place", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('catering', 'cleaning', 'construction', 'digital', 'printing', 'professional', 'education', 'employment', 'volunteering', 'goods', 'other')",
            name=op.f("ck_needs_category_known"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'archived')", name=op.f("ck_needs_status_known")
        ),
        sa.CheckConstraint("title <> ''", name=op.f("ck_needs_title_not_empty")),
        sa.CheckConstraint("quantity_wanted > 0", name=op.f("ck_needs_quantity_wanted_positive")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_needs_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs")),
    )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_needs_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "offers",
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("available_to", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("easting", sa.Integer(), nullable=False),
        sa.Column("northing", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("priority_place", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('catering', 'cleaning', 'construction', 'digital', 'printing', 'professional', 'education', 'employment', 'volunteering', 'goods', 'other')",
            name=op.f("ck_offers_category_known"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'archived')", name=op.f("ck_offers_status_known")
        ),
        sa.CheckConstraint("title <> ''", name=op.f("ck_offers_title_not_empty")),
        sa.CheckConstraint(
            "available_to >= available_from", name=op.f("ck_offers_available_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_offers_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offers_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "opportunities",
        sa.Column("estimated_value_pence", sa.BigInteger(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("easting", sa.Integer(), nullable=False),
        sa.Column("northing", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("priority_place", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('catering', 'cleaning', 'construction', 'digital', 'printing', 'professional', 'education', 'employment', 'volunteering', 'goods', 'other')",
            name=op.f("ck_opportunities_category_known"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'archived')",
            name=op.f("ck_opportunities_status_known"),
        ),
        sa.CheckConstraint("title <> ''", name=op.f("ck_opportunities_title_not_empty")),
        sa.CheckConstraint(
            "estimated_value_pence > 0", name=op.f("ck_opportunities_value_positive")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_opportunities_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunities_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=20), nullable=True),
        sa.Column("size", sa.String(length=10), nullable=True),
        sa.Column("is_vcse", sa.Boolean(), nullable=False),
        sa.Column("is_social_enterprise", sa.Boolean(), nullable=False),
        sa.Column("pays_real_living_wage", sa.Boolean(), nullable=False),
        sa.Column("service_radius_km", sa.Integer(), nullable=True),
        sa.Column("website", sa.String(length=255), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "sector IN ('catering', 'cleaning', 'construction', 'digital', 'printing', 'professional', 'education', 'employment', 'volunteering', 'goods', 'other')",
            name=op.f("ck_profiles_sector_known"),
        ),
        sa.CheckConstraint(
            "size IN ('micro', 'small', 'medium', 'large')", name=op.f("ck_profiles_size_known")
        ),
        sa.CheckConstraint(
            "NOT verified OR verified_at IS NOT NULL", name=op.f("ck_profiles_verified_when")
        ),
        sa.CheckConstraint(
            "service_radius_km > 0 AND service_radius_km <= 1000",
            name=op.f("ck_profiles_service_radius_sensible"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_profiles_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_profiles_verified_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_profiles_organisation_id")),
    )
    op.create_table(
        "need_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("measure_code", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_need_measures_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["needs.id"],
            name=op.f("fk_need_measures_need_id_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_measures")),
        sa.UniqueConstraint("need_id", "measure_code", name="uq_need_measures_need_code"),
    )
    with op.batch_alter_table("need_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_measures_need_id"), ["need_id"], unique=False)

    op.create_table(
        "offer_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("measure_code", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_offer_measures_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_measures_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_measures")),
        sa.UniqueConstraint("offer_id", "measure_code", name="uq_offer_measures_offer_code"),
    )
    with op.batch_alter_table("offer_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_measures_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "opportunity_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("measure_code", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("weight", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.CheckConstraint("target > 0", name=op.f("ck_opportunity_measures_target_positive")),
        sa.CheckConstraint(
            "weight > 0 AND weight <= 100", name=op.f("ck_opportunity_measures_weight_sensible")
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_measures_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_measures")),
        sa.UniqueConstraint(
            "opportunity_id", "measure_code", name="uq_opportunity_measures_opportunity_code"
        ),
    )
    with op.batch_alter_table("opportunity_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_measures_opportunity_id"), ["opportunity_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("opportunity_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_measures_opportunity_id"))

    op.drop_table("opportunity_measures")
    with op.batch_alter_table("offer_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_measures_offer_id"))

    op.drop_table("offer_measures")
    with op.batch_alter_table("need_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_measures_need_id"))

    op.drop_table("need_measures")
    op.drop_table("profiles")
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunities_organisation_id"))

    op.drop_table("opportunities")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_organisation_id"))

    op.drop_table("offers")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_organisation_id"))

    op.drop_table("needs")
