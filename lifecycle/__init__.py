"""The warehouse's lifecycle, without Dagster: the dbt files generated from the registry, the
build file and its lock, raw loading, releases and change detection, and publication."""
