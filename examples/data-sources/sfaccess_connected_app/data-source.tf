data "sfaccess_connected_app" "workbench" {
  name = "Workbench"
}

# Fail the plan if someone installed Workbench by hand.
check "workbench_not_installed" {
  assert {
    condition     = data.sfaccess_connected_app.workbench.installed != true
    error_message = "Workbench is installed, so customers and partners can reach the API through it."
  }
}
