"""transformers_pipelines page: the lesson for its leaves of the map."""
from lib.ui.lesson import lesson_page

lesson_page("transformers_pipelines")
