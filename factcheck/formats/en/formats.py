"""English date formats for the registry's pages: day month year, as the
pages wrote them before they were translated ("25 October 2019"). Spanish
uses Django's own ("25 de octubre de 2019")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
