"""`{% data_source_banner %}`: the banner saying the data shown is the demo source's synthetic bill."""

from django import template

from collection.data_source import DEMO
from collection.selectors import current_data_source

register = template.Library()


@register.inclusion_tag("collection/data_source_banner.html")
def data_source_banner() -> dict:
    return {"demo": current_data_source() == DEMO}
