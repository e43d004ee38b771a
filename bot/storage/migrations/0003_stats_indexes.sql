-- Indexes for statistics and report exports (bot/services/stats.py).
-- Case tallies group by commune, outcome and field and test the received date inside the
-- aggregate: with all four columns here, the province-wide tally is one pass over this index in
-- group order (no table reads, no sort) whatever the period, and a commune's is a range of it.
CREATE INDEX cases_unit_tally ON cases(commune_code, outcome, field, received_on);
-- Monthly tallies (the success-rate-by-month chart): cases by day and outcome, read from the
-- index alone in date order.
CREATE INDEX cases_month_tally ON cases(received_on, outcome);
-- A team's cases in a period (team statistics, the team's Sổ theo dõi).
CREATE INDEX cases_team_received ON cases(team_id, received_on);
-- Which teams have legal support (the legal_support key starts with person_id).
CREATE INDEX legal_support_team ON legal_support(team_id);
