-- Indexes for statistics and report exports (bot/services/stats.py).
-- Province-wide tallies group the cases of a period by commune, outcome and field: with every
-- column in the index, SQLite answers from the index alone without touching the table.
CREATE INDEX cases_period_tally ON cases(received_on, commune_code, outcome, field);
-- A team's cases in a period (team statistics, the team's Sổ theo dõi).
CREATE INDEX cases_team_received ON cases(team_id, received_on);
-- Which teams have legal support (the legal_support key starts with person_id).
CREATE INDEX legal_support_team ON legal_support(team_id);
