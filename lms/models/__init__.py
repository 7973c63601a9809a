"""ORM models, split by topic; importing this package registers them all."""

from lms.models.content import Course, CourseFile, Lesson, LessonRevision, Module
from lms.models.progress import Enrolment, LessonProgress, ModuleCompletion
from lms.models.quiz import AttemptAnswer, Quiz, QuizAttempt
from lms.models.users import Organisation, Role, User

__all__ = [
    "AttemptAnswer",
    "Quiz",
    "QuizAttempt",
    "Course",
    "CourseFile",
    "Enrolment",
    "Lesson",
    "LessonProgress",
    "LessonRevision",
    "Module",
    "ModuleCompletion",
    "Organisation",
    "Role",
    "User",
]
