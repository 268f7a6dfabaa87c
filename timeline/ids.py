"""Component ids of the browse page: the names the layout, the callbacks and the tests share.

``CHART`` and ``RACE`` are contracts (documented in README): the main chart and the race chart are
``dcc.Graph``s with these ids, and every point they plot carries its event id as ``customdata``.
"""

URL = "url"
CHART = "timeline"  # the contract: the main chart is a dcc.Graph with this id
CHART_ZOOM = "chart-zoom"  # a store: the timeline's last zoom or pan of its time axis (timeline.js)
ZOOM_WATCH = "zoom-watch"  # output of the client-side callback that watches the chart's zooms
RESULTS = "results"
TABLE = "table"
TABS = "views"
COUNTRY = "filter-country"
TYPE = "filter-type"
STATUS = "filter-status"
FROM = "filter-from"
TO = "filter-to"
SEARCH = "filter-q"
FIRSTS = "filter-firsts"
LANES = "lanes"
RESET = "reset"
COUNT = "count"
NOTES = "notes"
BANNER = "banner"
PANEL = "filters"
PANEL_TOGGLE = "filters-toggle"
DETAILS = "details"
DETAILS_CLOSE = "details-close"
DETAILS_BODY = "details-body"
DECADES = "decades"
SORT = "table-sort"
CHART_DRAWN = "chart-drawn"  # what the chart and the table last showed, so that opening details
TABLE_DRAWN = "table-drawn"  # redraws neither (the zoom and the keyboard focus stay)
LOOK = "look"  # {"theme": "light" | "dark", "width": chart width in px}, from the browser
THEME_TOGGLE = "theme-toggle"
DATA_VERSION = "data-version"
POLL = "poll"
MENU = "download-menu"
PNG = "download-png"
SVG = "download-svg"
CSV = "download-csv"
CSV_FILE = "download-csv-file"
COPY_LINK = "copy-link"
MENU_STATUS = "download-status"
CLIENT_SINK = "client-sink"  # output of client-side callbacks that only act on the page
RACE = "race"  # the race view's chart: every point's customdata is its event id
RACE_AREA = "race-area"  # the race chart and, beside it, its matrix
RACE_MATRIX = "race-matrix"
RACE_NOTE = "race-note"  # in the filter panel: which filters the race uses
RACE_DRAWN = "race-drawn"
ALIGN = "align"
CLAIMS = "claims"  # the claims view's chart: every point's customdata is its claim id
CLAIMS_AREA = "claims-area"  # the claims chart and, under it, the articles and their claims
CLAIMS_LIST = "claims-list"
CLAIMS_DRAWN = "claims-drawn"
RACE_CHART = "race-chart"  # the race's chart: milestones by date, or how many by each date
RACE_SCORES = "race-scores"  # the scoreboard under the race chart
RACE_SORT = "race-sort"  # the scoreboard's sort: {"key": column, "descending": bool}
RACE_SCORES_DRAWN = "race-scores-drawn"
# the filter controls, in the order of ``urlstate.control_values``
CONTROLS = (COUNTRY, TYPE, STATUS, FROM, TO, SEARCH, FIRSTS, LANES, ALIGN, RACE_CHART)

TAB = "view-tab"  # pattern-matching id types
DECADE = "decade"
OPEN_EVENT = "open-event"
SORT_BY = "sort-by"
PAGE_TO = "page-to"
RACE_CELL = "race-cell"
RACE_SORT_BY = "race-sort-by"

