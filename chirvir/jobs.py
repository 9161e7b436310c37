"""The job queue: Huey, configured by settings.HUEY (its SQLite storage in embedded mode).
Jobs live in the domain that does the work (delivery in timelines/tasks.py); this module only
names the queue and the decorators they use."""

from huey.contrib.djhuey import HUEY as huey
from huey.contrib.djhuey import db_periodic_task as periodic_task
from huey.contrib.djhuey import db_task as task

__all__ = ["huey", "periodic_task", "task"]
