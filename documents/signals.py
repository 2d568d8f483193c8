"""What the rest of the portal may listen to. Sent inside the publishing transaction; a
receiver that does work defers it with transaction.on_commit."""

from django.dispatch import Signal

#: An issue was published or withdrawn, or a revision of one published: the public content
#: changed. `issue`, and `notice_ids`: the notices it made public or corrected (none for a
#: withdrawal). (The bulk downloads and the e-mail alerts listen.)
public_content_changed = Signal()
