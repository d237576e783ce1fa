"""trainer_api page: the lesson for its leaves of the map."""
from lib.ui.lesson import lesson_page

lesson_page("trainer_api")
