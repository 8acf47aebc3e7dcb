{% test between(model, column_name, min_value, max_value) %}
select * from {{ model }} where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

{#- revenue_monthly: MRR changes only by its movements. -#}
{% test mrr_bridge_balances(model) %}
select * from {{ model }}
where starting_mrr + new_mrr + expansion_mrr - contraction_mrr - churned_mrr <> mrr
{% endtest %}

{#- ar_aging: the buckets add up to the open balance, and what is not yet due sits in 0-30. -#}
{% test buckets_add_up(model) %}
select * from {{ model }}
where days_0_30 + days_31_60 + days_61_90 + days_over_90 <> open_receivables
    or not_yet_due > days_0_30
    or past_due_total <> open_receivables - not_yet_due
{% endtest %}
