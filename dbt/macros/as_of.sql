{#- The reference date of "as of" metrics (aging, days late, risk windows, the month spine).
    dbt var `as_of_date` (YYYY-MM-DD); the Dagster assets pass the generator's AS_OF in sample mode, so
    the marts are reproducible against its truth. Without the var: today. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none or value | string == '' -%}
        current_date
    {%- else -%}
        {%- if not modules.re.match('^\d{4}-\d{2}-\d{2}$', value | string) -%}
            {{ exceptions.raise_compiler_error("dbt var as_of_date must be YYYY-MM-DD, got " ~ value) }}
        {%- endif -%}
        date '{{ value }}'
    {%- endif -%}
{%- endmacro %}

{#- The instant the as-of date begins, in UTC (the sample's AS_OF is 2026-11-01T00:00:00Z). -#}
{% macro as_of_timestamp() -%}
    ({{ as_of_date() }}::timestamp at time zone 'UTC')
{%- endmacro %}
