"""SQLAlchemy models, engine and session, repositories and Alembic migrations."""
