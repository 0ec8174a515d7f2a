# An installation is imported by the connected app's API name.
terraform import sfaccess_connected_app_installation.partner_portal_mobile Partner_Portal_Mobile
