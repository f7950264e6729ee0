from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("coming soon")


profile_edit = data_export = account_delete = profile_detail = _todo
