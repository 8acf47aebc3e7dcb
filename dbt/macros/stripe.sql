{#- Stripe amounts are integers in the currency's minor unit: cents for most currencies, whole units
    for zero-decimal ones (JPY, KRW, ...), thousandths for three-decimal ones (KWD, ...).
    https://docs.stripe.com/currencies -#}
{% macro stripe_amount(amount, currency) -%}
    case
        when lower({{ currency }}) in (
            'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf',
            'xof', 'xpf'
        ) then ({{ amount }})::numeric
        when lower({{ currency }}) in ('bhd', 'jod', 'kwd', 'omr', 'tnd')
            then round(({{ amount }})::numeric / 1000, 3)
        else round(({{ amount }})::numeric / 100, 2)
    end
{%- endmacro %}

{#- Stripe times are unix seconds. -#}
{% macro stripe_timestamp(expression) -%}
    to_timestamp(({{ expression }})::bigint)
{%- endmacro %}
