"""Faces on person alerts: the image doors, the dlib templates, the quality gate and the
1:N index (issue 16); the service is ``service/faces.py``."""
