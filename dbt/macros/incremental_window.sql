{#- The rows an incremental run of an append-mostly model reprocesses (delete+insert on its unique key).

    - Partition run (Dagster passes vars min_date / max_date, ISO timestamps of the partition window):
      rows created in the window, or loaded (inserted or changed) in it, so a daily partition also picks
      up that day's changes to older objects (a charge disputed today).
    - Unpartitioned incremental run: rows loaded since the newest row already in the table, with a day of
      overlap, because a partition run may have advanced that mark past rows it did not cover.
    - First run or --full-refresh: everything (no filter). -#}
{#- created_column / loaded_column: the source's columns; target_loaded_column: the model's own copy of loaded_column. -#}
{% macro incremental_window(created_column='created_at', loaded_column='loaded_at', target_loaded_column='loaded_at') -%}
    {%- if is_incremental() -%}
        {%- set min_date = var('min_date', none) -%}
        {%- set max_date = var('max_date', none) -%}
        {%- if min_date and max_date -%}
            {%- for value in (min_date, max_date) -%}
                {%- if not modules.re.match('^\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?([+-]\d{2}:?\d{2}|Z)?$', value | string) -%}
                    {{ exceptions.raise_compiler_error("min_date / max_date must be ISO dates or timestamps, got " ~ value) }}
                {%- endif -%}
            {%- endfor %}
    where ({{ created_column }} >= '{{ min_date }}'::timestamptz and {{ created_column }} < '{{ max_date }}'::timestamptz)
        or ({{ loaded_column }} >= '{{ min_date }}'::timestamptz and {{ loaded_column }} < '{{ max_date }}'::timestamptz)
        {%- else %}
    where {{ loaded_column }} > (
        select coalesce(max({{ target_loaded_column }}), '-infinity'::timestamptz) - interval '1 day' from {{ this }}
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
