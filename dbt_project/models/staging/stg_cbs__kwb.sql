-- Kerncijfers wijken en buurten: population and private households on 1 January of the edition
-- year, and % households at or around the social minimum (income over the edition year), per
-- gemeente and Nederland, every edition in sources/registry.py. KWB has no period dimension: the
-- edition year is the period. Column keys differ per edition; the registry gives them one name.
{{ cbs_staged() }}
