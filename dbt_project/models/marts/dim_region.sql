-- Every region of today's classification (latest Gebieden in Nederland edition), plus the
-- woondeal regions, which are our own grouping of COROP regions (seed woondeal_regions).
with latest as (
    select * from {{ ref('stg_cbs__gebieden') }}
    where edition_year = (select max(edition_year) from {{ ref('stg_cbs__gebieden') }})
),
woondeal as (
    select distinct woondeal_code, woondeal_name, corop_code from {{ ref('woondeal_regions') }}
),
gemeenten as (
    select
        l.gemeente_code as region_code, l.gemeente_name as region_name, 'gemeente' as region_level,
        l.corop_code, w.woondeal_code, l.provincie_code, l.landsdeel_code
    from latest l left join woondeal w on w.corop_code = l.corop_code
),
corop as (
    select distinct
        l.corop_code, l.corop_name, 'corop', l.corop_code, w.woondeal_code, l.provincie_code,
        l.landsdeel_code
    from latest l left join woondeal w on w.corop_code = l.corop_code
),
woondeal_regions as (
    select distinct
        w.woondeal_code, w.woondeal_name, 'woondeal', null, w.woondeal_code, l.provincie_code,
        l.landsdeel_code
    from woondeal w join latest l on l.corop_code = w.corop_code
),
provincies as (
    select distinct provincie_code, provincie_name, 'provincie', null, null, provincie_code,
        landsdeel_code
    from latest
),
landsdelen as (
    select distinct landsdeel_code, landsdeel_name, 'landsdeel', null, null, null, landsdeel_code
    from latest
)
select * from gemeenten
union all select * from corop
union all select * from woondeal_regions
union all select * from provincies
union all select * from landsdelen
union all select 'NL01', 'Nederland', 'land', null, null, null, null
