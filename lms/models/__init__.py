"""ORM models, split by topic; importing this package registers them all."""

from lms.models.admin import AuditEntry, Certificate, PasswordReset
from lms.models.content import Course, CourseAuthor, CourseFile, Lesson, LessonRevision, Module
from lms.models.progress import Enrolment, LessonProgress, ModuleCompletion
from lms.models.quiz import AttemptAnswer, Quiz, QuizAttempt, QuizRevision
from lms.models.users import Organisation, Role, User
from lms.models.xapi import XapiStatement

__all__ = [
    "AuditEntry",
    "Certificate",
    "PasswordReset",
    "AttemptAnswer",
    "Quiz",
    "QuizAttempt",
    "QuizRevision",
    "Course",
    "CourseAuthor",
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
    "XapiStatement",
]
