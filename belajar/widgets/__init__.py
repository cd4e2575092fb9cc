"""Exercise widgets for lesson notebooks (ipywidgets 8), one class per module."""

from belajar.widgets.base import Incomplete, Latihan
from belajar.widgets.cek_mandiri import CekMandiri
from belajar.widgets.isian_bebas import IsianBebas
from belajar.widgets.matriks import Matriks
from belajar.widgets.pilihan_ganda import PilihanGanda
from belajar.widgets.selesai import TandaSelesai
from belajar.widgets.skenario import Skenario
from belajar.widgets.urutkan import Urutkan

__all__ = ["CekMandiri", "Incomplete", "IsianBebas", "Latihan", "Matriks", "PilihanGanda",
           "Skenario", "TandaSelesai", "Urutkan"]
