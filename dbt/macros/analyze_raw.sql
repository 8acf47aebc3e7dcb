{#- on-run-start: ANALYZE the raw tables whose statistics are missing or stale (10%+ rows changed since),
    so the planner sees their real sizes. Right after a bulk load autovacuum has not got to them yet, and
    without statistics it plans nested loops over thousands of rows (minutes at scale 10, not seconds).
    Renders nothing to run when statistics are current. -#}
{% macro analyze_stale_raw_tables() %}
    {%- if execute -%}
        {%- set stale -%}
            select relname from pg_stat_user_tables
            where schemaname = 'raw'
                and (
                    coalesce(last_analyze, last_autoanalyze) is null
                    or n_mod_since_analyze > 0.1 * greatest(n_live_tup, 1000)
                )
            order by relname
        {%- endset -%}
        {%- for table in run_query(stale).columns[0].values() -%}
            analyze raw.{{ adapter.quote(table) }};
        {% endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}
