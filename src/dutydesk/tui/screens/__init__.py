"""The app's screens: home, picker, incident, and the modal form, report and help screens."""
