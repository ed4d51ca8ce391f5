from django.urls import path

from .views import calendar, letters, statements

app_name = "casework"

STATEMENT = "<int:case_id>/statements/<slug:kind>/"
PARAGRAPH = STATEMENT + "paragraphs/<int:paragraph_id>/"
LETTER = "<int:case_id>/letters/<int:letter_id>/"

urlpatterns = [
    # The private calendar feed of deadlines (issue 18): the page, turning it off, the feed itself.
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/revoke/", calendar.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path(STATEMENT, statements.statement, name="statement"),
    path(STATEMENT + "start/", statements.statement_start, name="statement_start"),
    path(STATEMENT + "maker/", statements.statement_maker, name="statement_maker"),
    path(STATEMENT + "opening/", statements.statement_text, {"part": "opening"}, name="statement_opening"),
    path(STATEMENT + "closing/", statements.statement_text, {"part": "closing"}, name="statement_closing"),
    path(STATEMENT + "regenerate/", statements.statement_regenerate, name="statement_regenerate"),
    path(PARAGRAPH + "edit/", statements.paragraph_edit, name="paragraph_edit"),
    path(PARAGRAPH + "move/", statements.paragraph_move, name="paragraph_move"),
    path(PARAGRAPH + "remove/", statements.paragraph_remove, name="paragraph_remove"),
    path(PARAGRAPH + "restore/", statements.paragraph_restore, name="paragraph_restore"),
    path("<int:case_id>/letters/", letters.letter_list, name="letters"),
    path(LETTER, letters.letter, name="letter"),
    path(LETTER + "edit/", letters.letter_edit, name="letter_edit"),
    path(LETTER + "final/", letters.letter_final, name="letter_final"),
    path(LETTER + "sent/", letters.letter_sent, name="letter_sent"),
    path(LETTER + "answer/", letters.letter_answer, name="letter_answer"),
    path("<int:case_id>/deadlines/<int:deadline_id>/extend/", letters.deadline_extend, name="deadline_extend"),
]
