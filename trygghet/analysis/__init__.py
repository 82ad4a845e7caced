"""What the data says: the dashboards' queries, CompStat, statistics, trends, interventions and priority areas, the safety survey and the map's aggregates."""
