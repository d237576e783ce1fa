"""tokenizers_lab page: the lesson for its leaves of the map."""
from lib.ui.lesson import lesson_page

lesson_page("tokenizers_lab")
