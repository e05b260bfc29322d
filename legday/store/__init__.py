"""legday's data layer: athletes, activities, efforts, strength, sharing and privacy.

SQLite by default, PostgreSQL when ``LEGDAY_DATABASE_URL`` or the Streamlit
secrets say so (see docs/storage.md). Typical use::

    store = open_store()                    # migrates to the latest schema
    me = store.athlete()                    # "local" in local mode
    import_paths(me, ["export.zip"])
    period = load_period(me)                # activities, efforts, strength, notes
    link = create_share(me, days=30, label="coach", allow_notes=True)
    coach = store.share(link.token)         # read-only, samples trimmed for privacy
"""

from legday.store.errors import (
    NotFound,
    NotShared,
    ReadOnlyError,
    ShareLinkError,
    ShareLinkExpired,
    ShareLinkRevoked,
    ShareLinkUnknown,
    StoreError,
)
from legday.store.importer import (
    ImportEvent,
    ImportReport,
    ReclassifyReport,
    import_paths,
    import_upload,
    reclassify,
)
from legday.store.privacy import PrivacyZone
from legday.store.repo import (
    AthleteContext,
    CheckInsStored,
    Context,
    ShareContext,
    Store,
    StoredPeriod,
    add_coach_note,
    add_privacy_zone,
    add_strength_entries,
    coach_notes,
    create_share,
    data_version,
    delete_activity,
    delete_checkin,
    delete_privacy_zone,
    get_settings,
    has_activities,
    list_activities,
    list_shares,
    load_activities,
    load_activity,
    load_checkins,
    load_efforts,
    load_period,
    new_strength_entries,
    open_store,
    privacy_zones,
    put_checkin,
    put_checkins,
    put_settings,
    replace_strength_session,
    revoke_share,
    strength_entries,
)
from legday.store.share import ShareInfo, ShareLink

__all__ = [
    "AthleteContext", "CheckInsStored", "Context", "ImportEvent", "ImportReport", "NotFound",
    "NotShared", "PrivacyZone", "ReadOnlyError", "ReclassifyReport", "ShareContext",
    "ShareInfo", "ShareLink", "ShareLinkError", "ShareLinkExpired", "ShareLinkRevoked",
    "ShareLinkUnknown", "Store", "StoreError", "add_coach_note", "add_privacy_zone",
    "add_strength_entries", "coach_notes", "create_share", "data_version", "delete_activity",
    "delete_checkin", "delete_privacy_zone", "get_settings", "has_activities", "import_paths",
    "import_upload", "list_activities", "list_shares", "load_activities", "load_activity",
    "load_checkins", "load_efforts", "load_period", "new_strength_entries", "open_store",
    "privacy_zones", "put_checkin", "put_checkins", "put_settings", "reclassify",
    "replace_strength_session",
    "revoke_share", "strength_entries", "StoredPeriod",
]
