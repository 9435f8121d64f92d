"""Survey rounds: dates, questionnaire versions and the tilbud that take part."""
