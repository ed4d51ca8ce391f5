from django.urls import path

from .views import statements

app_name = "casework"

STATEMENT = "<int:case_id>/statements/<slug:kind>/"
PARAGRAPH = STATEMENT + "paragraphs/<int:paragraph_id>/"

urlpatterns = [
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
]
