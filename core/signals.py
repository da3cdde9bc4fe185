from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Upload


@receiver(post_delete, sender=Upload)
def delete_upload_bytes(sender, instance: Upload, **kwargs):
    # Any way an upload row goes (a cascade, the admin), its bytes go once the deletion has committed.
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
