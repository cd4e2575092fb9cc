"""nbgrader course "e-government". No paths here: the platform sets CourseDirectory.root."""

c = get_config()  # noqa: F821
load_subconfig("../nbgrader_common.py")  # noqa: F821 (stubs and ignore list of all courses)
c.CourseDirectory.course_id = "e-government"
