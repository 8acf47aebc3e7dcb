{#- The IES chart of accounts (shared/contracts/ies_chart_of_accounts.md, pipelines/ies/chart.py): keys in
    statement order, with the section each belongs to. -#}
{% macro ies_chart() -%}
    {{ return([
        ('gross_potential_rent', 'income'), ('vacancy_credit_loss', 'income'), ('concessions', 'income'),
        ('revenue', 'income'), ('other_income', 'income'), ('total_income', 'income'),
        ('cost_of_goods_sold', 'cost_of_sales'), ('gross_profit', 'summary'),
        ('payroll', 'operating_expense'), ('repairs_maintenance', 'operating_expense'),
        ('utilities', 'operating_expense'), ('insurance', 'operating_expense'),
        ('property_taxes', 'operating_expense'), ('management_fees', 'operating_expense'),
        ('professional_fees', 'operating_expense'), ('marketing', 'operating_expense'),
        ('general_administrative', 'operating_expense'), ('rent_expense', 'operating_expense'),
        ('other_operating_expenses', 'operating_expense'), ('total_operating_expenses', 'operating_expense'),
        ('net_operating_income', 'summary'), ('interest_expense', 'below_noi'),
        ('depreciation_amortization', 'below_noi'), ('debt_service', 'below_noi'),
        ('capital_expenditures', 'below_noi'), ('replacement_reserves', 'below_noi'),
        ('income_taxes', 'below_noi'), ('net_income', 'summary'),
    ]) }}
{%- endmacro %}

{#- Position of a key in the chart (1-based), for ordering a spread the way a statement reads. -#}
{% macro ies_key_order(column) -%}
    case {{ column }}
    {%- for key, section in ies_chart() %}
        when '{{ key }}' then {{ loop.index }}
    {%- endfor %}
    end
{%- endmacro %}

{#- The chart's section of a key. -#}
{% macro ies_key_section(column) -%}
    case {{ column }}
    {%- for key, section in ies_chart() %}
        when '{{ key }}' then '{{ section }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- Money and ratios as the risk reasons print them. -#}
{% macro ies_money(expression) -%}
    to_char({{ expression }}, 'FM$999,999,999,990')
{%- endmacro %}

{% macro ies_percent(expression) -%}
    to_char(100 * ({{ expression }}), 'FM99990.0') || '%'
{%- endmacro %}

{% macro ies_times(expression) -%}
    to_char({{ expression }}, 'FM99990.00') || 'x'
{%- endmacro %}
