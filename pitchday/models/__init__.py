"""Typed SQLAlchemy models, and nothing else: the logic lives in pitchday.services."""

from pitchday.models.event import (  # noqa: F401
    AvailabilityWindow,
    DayBreak,
    Event,
    EventDay,
    Expert,
    ExpertConflict,
    Lock,
    Organisation,
    Pitch,
    PitchRoom,
    Room,
)
from pitchday.models.feedback import FeedbackLink, FeedbackRelease, JurorFeedback  # noqa: F401
from pitchday.models.schedule import PanelSeat, ScheduledSession, ScheduleVersion  # noqa: F401
from pitchday.models.scoring import (  # noqa: F401
    Criterion,
    JurorComment,
    JurorDevice,
    Score,
    ScoreAudit,
    ScoreSubmission,
    ScoringLock,
    ScoringSettings,
)
from pitchday.models.solving import OutboundMail, SolveJob  # noqa: F401
from pitchday.models.teams import (  # noqa: F401
    Invitation,
    JournalEntry,
    Programme,
    ProgrammeCoordinator,
    TeamMember,
)
from pitchday.models.users import JurorAccess, Organiser  # noqa: F401
