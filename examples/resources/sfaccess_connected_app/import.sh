# Connected apps are imported by their API name. The consumer secret cannot be
# read back, so an imported app has no consumer_secret_wo_version in state.
# Setting consumer_secret_wo (the app's current secret) and
# consumer_secret_wo_version for the first time after import does not replace
# the app: it keeps its consumer key and secret. Only changing a version that
# is already in state replaces the app (a new consumer key and secret).
terraform import sfaccess_connected_app.portal_mobile Portal_Mobile
