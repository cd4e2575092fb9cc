"""The competency service (``kompetensi``): learners' progress and profiles, HR's
dashboard, downloads and JSON API, served by JupyterHub as a managed service.

Every request is authorised from the hub's user model (groups), never from anything the
client claims; the data live in the platform database of :mod:`asncore.db`.
"""
