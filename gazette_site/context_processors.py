from django.conf import settings


def site(request):
    """Names and masthead every page's header and footer show."""
    return {
        "gazette_name": settings.GAZETTE_NAME,
        "gazette_name_en": settings.GAZETTE_NAME_EN,
        "masthead": settings.GAZETTE_MASTHEAD,
    }
