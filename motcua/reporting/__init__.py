"""The scorecard: fact tables kept with the dossier events, Decision 766 indicators, periodic reports,
the reform-plan targets, early warning and the simulation that gives them history."""
