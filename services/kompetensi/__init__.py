"""The competency service: a JupyterHub-managed service that owns the platform database.

Every request is authorised from the hub's user model (groups), never from anything the
client claims. Later issues add progress, scores and HR reports here.
"""
