"""The demo city (秦川市), built through the real services; the top floor, imported by no other app."""
