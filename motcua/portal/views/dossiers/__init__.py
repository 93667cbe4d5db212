"""The citizen's dossier pages: the online application wizard, “Hồ sơ của tôi”, the public status page."""
