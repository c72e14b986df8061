from odoo import models
from odoo.exceptions import AccessError

MANAGER_GROUP = "collections_management.collections_management_group_manager"


class CollectionGuardMixin(models.AbstractModel):
    """Field-level write guards shared by the collections models.

    Buttons are not a security boundary: anything a button forbids must be
    forbidden to a plain ``write``/``create`` over RPC too. Models list

    - ``_collection_system_fields``: derived figures and workflow states that only
      the engine or the model's own methods (running as superuser) may write;
    - ``_collection_manager_fields``: fields only a Collections Manager may write.

    The model's methods write those fields with ``sudo()`` after checking
    the user's right to act, so the buttons stay the only way through.
    """

    _name = "collection.guard.mixin"
    _description = "Collections write guards"

    _collection_system_fields = ()
    _collection_manager_fields = ()
    # system fields a user with the create right may still give when creating a record
    _collection_creatable_fields = ()

    def _collection_is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    def _collection_check_vals(self, vals_list):
        if self.env.su:
            return
        for vals in vals_list:
            system = sorted(set(vals) & set(self._collection_system_fields))
            if system:
                raise AccessError(self.env._(
                    "%(model)s: %(fields)s can only be changed by the collections engine or through the "
                    "record's buttons.",
                    model=self._description, fields=", ".join(self._collection_field_labels(system))))
            manager = sorted(set(vals) & set(self._collection_manager_fields))
            if manager and not self._collection_is_manager():
                raise AccessError(self.env._(
                    "%(model)s: only a Collections Manager can change %(fields)s.",
                    model=self._description, fields=", ".join(self._collection_field_labels(manager))))

    def _collection_field_labels(self, names):
        return [self._fields[name].get_description(self.env)["string"] for name in names]

    def _collection_check_create_vals(self, vals_list):
        """On create, a guarded field may only carry its default (forms send every field)."""
        if self.env.su:
            return
        guarded = set(self._collection_system_fields) - set(self._collection_creatable_fields)
        if not self._collection_is_manager():
            guarded |= set(self._collection_manager_fields)
        for vals in vals_list:
            sent = [name for name in guarded & set(vals) if vals[name]]
            if not sent:
                continue
            defaults = self.default_get(sent)
            forced = sorted(name for name in sent if vals[name] != defaults.get(name))
            if forced:
                raise AccessError(self.env._(
                    "%(model)s: %(fields)s cannot be set when creating a record.",
                    model=self._description, fields=", ".join(self._collection_field_labels(forced))))

    def write(self, vals):
        self._collection_check_vals([vals])
        return super().write(vals)
