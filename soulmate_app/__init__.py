"""The Streamlit side of the dashboard: settings, session, cached data and Plotly figures.

Pages in ``pages/`` stay thin and call these helpers; ``soulmate_core`` never imports this package.
"""
