"""The duty desk: dutydesk's Textual app (home, plan picker, incident screen).

Only this package (and ``dutydesk.commands.app``, inside ``run``) imports Textual.
Start it with ``dutydesk`` or ``dutydesk resume [INCIDENT|last]``; in code::

    from dutydesk.tui.app import DutyDeskApp
    DutyDeskApp(db=path).run()
"""
