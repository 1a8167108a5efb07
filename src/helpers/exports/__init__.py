"""Exports of the collection's data into the tools classes already use.

* :mod:`helpers.exports.content`: the knowledge checks, read from a quiz
  folder with the same checks as :func:`helpers.quiz.load_quiz`, and the
  pieces of text (question, options, feedback with its sources) that every
  format shares.
* :mod:`helpers.exports.qti`: QTI 1.2 packages (Canvas, Blackboard, D2L).
* :mod:`helpers.exports.moodle`: Moodle XML for Moodle's question bank.
* :mod:`helpers.exports.flashcards`: an Anki deck (glossary, side effects,
  red flags), with note ids derived from the data ids.

Everything is built from ``data/`` through the helpers' loaders, never from
copies, so a corrected fact reaches the exports on the next build.  XML is
built with :mod:`xml.etree.ElementTree` (escaping is correct by
construction); HTML fragments come from Jinja2 templates with autoescaping
(:func:`helpers.render.render`).  The command-line front ends are
``tools/lms.py`` (``make lms``) and ``tools/flashcards.py``
(``make flashcards``).
"""
