"""The year's later stages: a workbook made from the one before (批复 from 申报, 监控 from 申报 or
批复, 自评 from any of them), what it carries, and the check that it still says the same."""
