"""Persistence: SQLAlchemy models, repositories, the engine factory and Alembic migrations.

May import only ``schemas`` among our packages (DESIGN.md).
"""
