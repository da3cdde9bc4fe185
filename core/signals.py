from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from .models import Upload

# Sent when the background worker has read a file the office engine had to convert (.doc, .wps): its
# text_chars is now known. Apps whose records take their count from the file listen (records.signals).
upload_counted = Signal()  # sender=Upload, upload=the Upload
# Sent when the worker has finished reading a file (conversion, text recognition, preview): a typed count may now be
# confirmed by the recognised text, so what the assessment reads may have changed (assessments.signals).
upload_read_done = Signal()  # sender=Upload, upload=the Upload


@receiver(post_delete, sender=Upload)
def delete_upload_bytes(sender, instance: Upload, **kwargs):
    # Any way an upload row goes (a cascade, the admin), its bytes go once the deletion has committed.
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    pages = [preview_name(instance, number) for number in range(1, instance.preview_pages + 1)]
    if pages:
        transaction.on_commit(lambda: [storage.delete(page) for page in pages])


def preview_name(upload: Upload, number: int) -> str:
    return f"previews/{upload.pk}/{number}.png"
