"""The Streamlit dashboard: ``streamlit run dashboards/app.py``.

``app.py`` declares the pages (``app_pages/``); ``state`` holds the store, who is looking and
the caches; ``views`` turns analyses into what a page shows; ``figures`` draws plotly figures;
``texts`` writes the words beside them; ``uploads`` and ``exporting`` serve the Submit and
Export pages. Nothing here parses workbooks, validates or runs SQL: that is ``evaluation/``.
"""
