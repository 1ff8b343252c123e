"""The organiser's workspace: account and events (views), the guided creation of an event, editing by
hand, CSV imports, the team, and the planning workspace, each a module that adds its pages to one blueprint."""

from pitchday.organiser import creation, editing, imports, team, views, workspace  # noqa: F401  (each adds its pages to bp)
from pitchday.organiser.blueprint import bp

__all__ = ["bp"]
